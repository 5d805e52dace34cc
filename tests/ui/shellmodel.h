#pragma once
// A small linked model for the application shell's tests: a checkout that
// publishes, a consumer linked to it with an error, a retry linked to the
// consumer (plus a link to a trace that is not loaded), and a lone trace.

#include "common/modelbuilder.h"

#include <memory>

namespace causeway::test {

struct ShellModel
{
    std::shared_ptr<const Model> model;
    // Trace indices (order of first appearance).
    uint32_t checkout = 0, consume = 1, retry = 2, lone = 3;
    // Span indices.
    uint32_t checkoutRoot = 0, publish = 1, consumeRoot = 2, charge = 3, retryRoot = 4;
};

// Gives a span an attribute list (after finalize: attributes are not derived).
inline void setAttributes(Model &m, uint32_t span, const std::vector<std::pair<std::string, Value>> &attrs)
{
    causeway::ModelBuilder build(m);
    build.beginAttributes();
    for (const auto &[key, value] : attrs)
        build.addAttribute(key, value);
    m.cold[span].attributes = build.endAttributes();
}

inline ShellModel makeShellModel()
{
    using B = TestModelBuilder;
    B b("frontend");
    b.add({.trace = 1, .span = 1, .start = 1'000'000'000, .duration = 9'000, .name = "checkout"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = 1'000'001'000, .duration = 2'000, .name = "publish orders",
           .kind = SpanKind::Producer});
    b.add({.trace = 2, .span = 10, .start = 1'000'010'000, .duration = 100'000, .name = "consume orders",
           .links = {{.trace = 1, .span = 2, .attributes = {{"messaging.destination.name", "orders"}}}},
           .kind = SpanKind::Consumer});
    b.add({.trace = 2, .span = 11, .parent = 10, .start = 1'000'020'000, .duration = 50'000, .name = "charge card",
           .status = StatusCode::Error, .statusMessage = "card declined"});
    b.add({.trace = 3, .span = 20, .start = 1'000'200'000, .duration = 500, .name = "retry charge",
           .links = {{.trace = 2, .span = 11}, {.trace = 99, .span = 99}}});
    // The lone trace has more spans than the others: 12 sorts after 2 as a
    // number, before it as text.
    b.add({.trace = 4, .span = 30, .start = 900'000'000, .duration = 20'000, .name = "nightly report"});
    for (uint32_t i = 0; i < 11; ++i)
        b.add({.trace = 4, .span = 31 + i, .parent = 30, .start = 900'000'100 + i, .duration = 10,
               .name = "report row"});
    Model m = b.finish();
    setAttributes(m, 1, {{"messaging.system", Value::makeString(m.strings.intern("kafka"))},
                         {"http.status_code", Value::makeInt(200)}});
    // The consumer runs in another service, with its own resource and scope.
    causeway::ModelBuilder build(m);
    build.beginAttributes();
    build.addString("service.name", "billing");
    build.addString("deployment.environment", "prod");
    Resource billing;
    billing.attributes = build.endAttributes();
    Scope scope;
    scope.resource = build.addResource(billing);
    billing = m.resources[scope.resource];
    scope.name = build.intern("billing.worker");
    scope.attributes = build.noAttributes();
    build.addScope(scope);
    for (uint32_t s : {2u, 3u}) {
        m.cold[s].scope = uint32_t(m.scopes.size() - 1);
        m.hot[s].service = billing.serviceName;
    }
    m.finalize(); // again, so the trace summaries see the second service
    ShellModel out;
    out.model = std::make_shared<const Model>(std::move(m));
    return out;
}

} // namespace causeway::test
