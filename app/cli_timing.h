#pragma once
// `causeway chain --timing`: the chain's timeline split into time inside
// traces and between them, per hop (app/cli_linkmap.cpp).

#include "core/linkgraph.h"

namespace causeway::app {

int printChainTiming(const Model &model, const Reference &start, const ChainOptions &options, bool json);

} // namespace causeway::app
