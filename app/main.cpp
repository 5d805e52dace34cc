#include "app/cli.h"
#include "core/allocator.h"

int main(int argc, char **argv)
{
    causeway::applyAllocatorPolicy();
    return causeway::app::run(argc, argv);
}
