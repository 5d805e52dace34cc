#include "app/cli.h"

int main(int argc, char **argv)
{
    return causeway::app::run(argc, argv);
}
