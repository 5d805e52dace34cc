// Sends linked traces to an OTLP/HTTP endpoint with the OpenTelemetry
// JavaScript SDK's own exporters, then prints what it sent as JSON so the
// receiving side can check that every span and link arrived.
//
// usage: node send.mjs URL json|json-gzip|proto|proto-gzip ORDERS

import { DiagConsoleLogger, DiagLogLevel, ROOT_CONTEXT, SpanKind, diag, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [url, mode, ordersText] = process.argv.slice(2);
const orders = Number(ordersText ?? 20);
if (!url || !['json', 'json-gzip', 'proto', 'proto-gzip'].includes(mode) || !(orders > 0)) {
    console.error('usage: node send.mjs URL json|json-gzip|proto|proto-gzip ORDERS');
    process.exit(2);
}
diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

const options = { url, compression: mode.endsWith('gzip') ? 'gzip' : 'none', timeoutMillis: 10000 };
const inner = mode.startsWith('json') ? new JsonExporter(options) : new ProtoExporter(options);
// Counts what the exporter reports back, so a failed export fails the run.
let failures = 0;
const exporter = {
    export(spans, done) {
        inner.export(spans, (result) => {
            if (result.code !== 0) {
                failures++;
                console.error(`export failed: ${result.error?.message ?? result.code}`);
            }
            done(result);
        });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
};

const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `causeway-client-${mode}` }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, scheduledDelayMillis: 50 })],
});
const tracer = provider.getTracer('causeway.client.test', '1.0.0');

const sent = { spans: [], links: [] };
const id = (span) => ({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
const end = (span) => {
    span.end();
    sent.spans.push(id(span));
};
const child = (parent, name, kind, links = []) =>
    tracer.startSpan(name, { kind, links }, trace.setSpan(ROOT_CONTEXT, parent));
const linked = (span, targets, attributes = {}) => {
    for (const t of targets)
        sent.links.push({ from: id(span), to: { traceId: t.traceId, spanId: t.spanId } });
    return span;
};

const publishes = [];
for (let n = 0; n < orders; n++) {
    // Producer: checkout publishes an order message.
    const checkout = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, attributes: { 'order.n': n } }, ROOT_CONTEXT);
    const publish = child(checkout, 'orders publish', SpanKind.PRODUCER);
    const target = publish.spanContext();
    publishes.push(target);
    end(publish);
    end(checkout);
    // Consumer: a trace of its own, linked to the publish span.
    const linkAttrs = { 'messaging.destination.name': 'orders' };
    const consume = linked(tracer.startSpan('orders process', {
        kind: SpanKind.CONSUMER, links: [{ context: target, attributes: linkAttrs }],
    }, ROOT_CONTEXT), [target]);
    end(child(consume, 'INSERT orders', SpanKind.CLIENT));
    end(consume);
}
// A batch job linked to every publish span.
const batch = linked(tracer.startSpan('nightly settlement', {
    kind: SpanKind.INTERNAL, links: publishes.map((context) => ({ context })),
}, ROOT_CONTEXT), publishes);
end(batch);

await provider.forceFlush();
await provider.shutdown();
process.stdout.write(JSON.stringify(sent) + '\n');
process.exit(failures ? 1 : 0);
