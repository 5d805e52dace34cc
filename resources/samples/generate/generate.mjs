// Writes Causeway's bundled sample traces with the OpenTelemetry JavaScript SDK.
//
// The spans are made by the real SDK (BasicTracerProvider, one per service,
// tracer.startSpan with explicit times, parents and links), collected by an
// in-memory exporter, and serialized by the SDK's own OTLP serializers, so the
// files have exactly the shape a JavaScript service sends to a Collector.
// Ids come from a seeded generator and every timestamp is fixed: running this
// again writes byte-identical files.
//
//   npm ci && node generate.mjs
//
// Output (next to this directory):
//   causeway-sample.jsonl  one ExportTraceServiceRequest per line, one line per
//                          service and minute of span end times, as the
//                          Collector's file exporter writes batches
//   causeway-sample.pb     the same spans as one protobuf ExportTraceServiceRequest
//   README.md              the part between the "ids" markers lists the trace ids

for (const key of Object.keys(process.env))
    if (key.startsWith('OTEL_'))
        delete process.env[key]; // the SDK reads limits and samplers from OTEL_* variables

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..');

// ---------------------------------------------------------------------------
// Determinism: two seeded generators, one for ids and one for timings and
// values, so changing a duration does not shift every id after it.

function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const idRandom = mulberry32(0xc0ffee);
const rnd = mulberry32(20250314);

function hexBytes(n) {
    let s = '';
    for (let i = 0; i < n; ++i)
        s += Math.floor(idRandom() * 256).toString(16).padStart(2, '0');
    return /^0+$/.test(s) ? hexBytes(n) : s;
}

class SeededIdGenerator {
    generateTraceId() { return hexBytes(16); }
    generateSpanId() { return hexBytes(8); }
}
const idGenerator = new SeededIdGenerator();

const between = (lo, hi) => lo + (hi - lo) * rnd();
const pick = (list) => list[Math.floor(rnd() * list.length)];
const int = (lo, hi) => Math.floor(between(lo, hi + 1));

// Times are BigInt nanoseconds since the epoch; the SDK takes HrTime.
const ms = (x) => BigInt(Math.round(x * 1e6));
const hr = (ns) => [Number(ns / 1000000000n), Number(ns % 1000000000n)];
const T0 = BigInt(Date.UTC(2025, 2, 14, 21, 30, 0)) * 1000000n; // Friday evening, 21:30 UTC
const MIDNIGHT = BigInt(Date.UTC(2025, 2, 15, 0, 0, 0)) * 1000000n;

function isoTime(ns) {
    return new Date(Number(ns / 1000000n)).toISOString();
}

// ---------------------------------------------------------------------------
// Services: one Resource and one TracerProvider each.

const SCOPES = {
    http: ['@opentelemetry/instrumentation-http', '0.57.2'],
    undici: ['@opentelemetry/instrumentation-undici', '0.10.1'],
    pg: ['@opentelemetry/instrumentation-pg', '0.51.1'],
    redis: ['@opentelemetry/instrumentation-ioredis', '0.47.1'],
    kafka: ['@opentelemetry/instrumentation-kafkajs', '0.7.1'],
};

const services = [];

function service(name, version, { pod, node, extra = {} }) {
    const exporter = new InMemorySpanExporter();
    const instance = `${hexBytes(4)}-${hexBytes(2)}-4${hexBytes(2).slice(1)}-a${hexBytes(2).slice(1)}-${hexBytes(6)}`;
    const resource = resourceFromAttributes({
        'service.name': name,
        'service.namespace': 'shop',
        'service.version': version,
        'service.instance.id': instance,
        'deployment.environment.name': 'production',
        'cloud.provider': 'aws',
        'cloud.region': 'eu-west-1',
        'k8s.cluster.name': 'shop-prod-euw1',
        'k8s.namespace.name': 'shop',
        'k8s.deployment.name': name,
        'k8s.pod.name': `${name}-${pod}`,
        'k8s.node.name': node,
        'host.arch': 'amd64',
        'process.runtime.name': 'nodejs',
        'process.runtime.version': '20.18.1',
        'process.pid': 1,
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.version': '2.12.1',
        ...extra,
    });
    const provider = new BasicTracerProvider({
        resource,
        idGenerator,
        spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracers = {};
    for (const [key, [scope, scopeVersion]] of Object.entries(SCOPES))
        tracers[key] = provider.getTracer(scope, scopeVersion);
    tracers.app = provider.getTracer(name, version);
    const s = { name, exporter, provider, ...tracers };
    services.push(s);
    return s;
}

const node = (n) => `ip-10-40-${n}.eu-west-1.compute.internal`;
const checkoutApi = service('checkout-api', '3.14.2', { pod: '7d9f8b6c5d-x2x4k', node: node('12-31') });
const pricing = service('pricing-service', '1.22.0', { pod: '5c8b9d7f4-qm7rl', node: node('14-7') });
const inventory = service('inventory-service', '2.3.5', { pod: '6f7c5b8d9-2kq8s', node: node('12-31') });
const payments = service('payment-service', '4.1.0', { pod: '84d6c9f7b-tz5vn', node: node('15-102') });
const notifications = service('notification-service', '1.9.3', { pod: '75b4f8c6d-w8l2p', node: node('14-7') });
const indexer = service('search-indexer', '0.18.4', { pod: '9c7d6b5f8-hh4mx', node: node('15-102') });
const deadLetters = service('dead-letter-handler', '1.0.7', { pod: '58f9c7d6b-pp9zt', node: node('12-31') });
const pos = service('pos-gateway', '2.0.1', { pod: '6b5d8f9c7-mn3wd', node: node('16-54') });
const billing = service('billing-batch', '5.2.0', {
    pod: 'settle-payments-29035680-8xq2v', node: node('16-54'),
    extra: { 'k8s.cronjob.name': 'settle-payments', 'k8s.job.name': 'settle-payments-29035680' },
});

// ---------------------------------------------------------------------------
// Span helpers. Each helper starts its span, runs its children, ends the span
// after them (so the exporter sees children first, as in a live process) and
// returns the span; `span.endNs` is its end time.

function contextOf(parent) {
    if (!parent)
        return ROOT_CONTEXT;
    if (parent.remote) // a parent in another process, as extracted from traceparent
        return trace.setSpanContext(ROOT_CONTEXT, { ...parent.remote.spanContext(), isRemote: true });
    return trace.setSpan(ROOT_CONTEXT, parent);
}
const remote = (span) => ({ remote: span });

// A link to a span as a consumer sees it: extracted from message headers.
function linkTo(span, attributes) {
    return { context: { ...span.spanContext(), isRemote: true }, attributes };
}

function start(tracer, name, kind, t, parent, attributes, links) {
    const span = tracer.startSpan(name, { kind, startTime: hr(t), attributes, links }, contextOf(parent));
    span.startNs = t;
    return span;
}

function end(span, t) {
    span.end(hr(t));
    span.endNs = t;
    return span;
}

function fail(span, t, type, message, frame) {
    span.recordException({ name: type, message, stack: `${type}: ${message}\n    at ${frame}` }, hr(t));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${type}: ${message}` });
}

const PG = { 'db.system': 'postgresql', 'db.namespace': 'shop', 'server.address': 'shop-db.cluster-c9x2k1.eu-west-1.rds.amazonaws.com', 'server.port': 5432 };

function sql(svc, parent, t, op, table, query, dur, error) {
    const span = start(svc.pg, `${op} shop.${table}`, SpanKind.CLIENT, t, parent, {
        ...PG,
        'db.operation.name': op,
        'db.collection.name': table,
        'db.query.text': query,
        'db.user': svc.name.replace(/-/g, '_'),
    });
    const e = t + ms(dur);
    if (error) {
        span.setAttribute('db.response.status_code', error.code);
        span.setAttribute('error.type', error.code);
        fail(span, e, error.type, error.message, error.frame);
    }
    return end(span, e);
}

function redis(svc, parent, t, op, key, dur, host) {
    const span = start(svc.redis, op, SpanKind.CLIENT, t, parent, {
        'db.system': 'redis',
        'db.operation.name': op,
        'db.query.text': `${op} ${key}`,
        'db.namespace': '0',
        'server.address': host,
        'server.port': 6379,
    });
    return end(span, t + ms(dur));
}

function httpClient(svc, parent, t, method, url, status, dur) {
    const u = new URL(url);
    const span = start(svc.undici, method, SpanKind.CLIENT, t, parent, {
        'http.request.method': method,
        'url.full': url,
        'server.address': u.hostname,
        'server.port': u.port ? Number(u.port) : 443,
        'network.protocol.version': '1.1',
    });
    span.setAttribute('http.response.status_code', status);
    span.endNs = t + ms(dur); // ended by the caller once the server side is known
    return span;
}

function httpServer(svc, parent, t, method, route, path, status, attrs = {}) {
    return start(svc.http, `${method} ${route}`, SpanKind.SERVER, t, parent, {
        'http.request.method': method,
        'url.path': path,
        'url.scheme': 'http',
        'http.route': route,
        'server.address': `${svc.name}.shop.svc.cluster.local`,
        'server.port': 8080,
        'network.protocol.version': '1.1',
        'http.response.status_code': status,
        ...attrs,
    });
}

const kafkaOffset = { orders: 884120, payments: 412007, 'payment-events': 390551, 'orders.retry': 1204, 'orders.dlq': 311, settlements: 9120 };

function messageId() {
    return `${hexBytes(4)}-${hexBytes(2)}-4${hexBytes(2).slice(1)}-8${hexBytes(2).slice(1)}-${hexBytes(6)}`;
}

// A PRODUCER span publishing one message; returns the span with the message's metadata.
function publish(svc, parent, t, topic, key, dur) {
    const id = messageId();
    const partition = String(int(0, 5));
    const span = start(svc.kafka, `${topic} publish`, SpanKind.PRODUCER, t, parent, {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.operation.type': 'publish',
        'messaging.operation.name': 'send',
        'messaging.message.id': id,
        'messaging.kafka.message.key': key,
        'messaging.destination.partition.id': partition,
        'messaging.client.id': `${svc.name}-producer`,
        'server.address': 'kafka-1.shop.svc.cluster.local',
        'server.port': 9092,
    });
    end(span, t + ms(dur));
    span.message = { id, topic, key, partition, offset: kafkaOffset[topic]++ };
    return span;
}

// The CONSUMER span that processes one message, linked to its producer span.
function consume(svc, t, topic, group, message, producer, extraLinks = [], attrs = {}) {
    const links = producer
        ? [linkTo(producer, { 'messaging.destination.name': topic, 'messaging.message.id': message.id })]
        : [];
    return start(svc.kafka, `${topic} process`, SpanKind.CONSUMER, t, null, {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.consumer.group.name': group,
        'messaging.message.id': message.id,
        'messaging.kafka.message.key': message.key,
        'messaging.destination.partition.id': message.partition,
        'messaging.kafka.offset': message.offset,
        'messaging.message.body.size': int(380, 1900),
        'server.address': 'kafka-1.shop.svc.cluster.local',
        'server.port': 9092,
        ...attrs,
    }, [...links, ...extraLinks]);
}

// ---------------------------------------------------------------------------
// What the README lists: trace ids by pattern.

const index = [];
function note(pattern, span, text) {
    index.push({ pattern, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, service: span.resource.attributes['service.name'], name: span.name, start: span.startNs, text });
}

// ---------------------------------------------------------------------------
// The checkout request: HTTP server -> controller -> cache, DB, pricing
// (another service, same trace) -> order insert -> two Kafka publishes.

const ORDERS = 12;
const FAILED_CHECKOUT = 9;      // rejected with 422: publishes nothing
const CACHE_TIMEOUT = 6;        // a Redis timeout inside the checkout trace itself
const PAYMENT_DB_ERROR = 2;     // payment consumer's INSERT fails once (error downstream)
const RETRIED_ORDER = 4;        // inventory consumer fails three times, then dead-letters

function pricingCall(parentSpan, t, order) {
    const client = httpClient(checkoutApi, parentSpan, t, 'POST', 'http://pricing-service.shop.svc.cluster.local:8080/quotes', order.rejected ? 422 : 200, 0);
    let c = t + ms(between(0.4, 1.2));
    const server = httpServer(pricing, remote(client), c, 'POST', '/quotes', '/quotes', order.rejected ? 422 : 200, {
        'client.address': '10.40.12.31',
        'user_agent.original': 'undici',
    });
    c += ms(between(0.05, 0.2));
    const price = start(pricing.app, 'QuoteService.price', SpanKind.INTERNAL, c, server, {
        'shop.cart.id': order.cart, 'shop.quote.currency': 'EUR', 'shop.quote.line_count': order.items,
    });
    c += ms(between(0.05, 0.15));
    const tax = start(pricing.app, 'TaxCalculator.compute', SpanKind.INTERNAL, c, price, { 'shop.tax.country': order.country });
    const hit = order.n % 3 !== 0;
    const g = redis(pricing, tax, c + ms(0.05), 'GET', `tax-rates:${order.country}`, between(0.3, 0.9), 'redis-pricing.shop.svc.cluster.local');
    c = g.endNs;
    if (!hit) {
        tax.addEvent('cache.miss', { 'cache.key': `tax-rates:${order.country}`, 'cache.name': 'tax-rates' }, hr(c));
        c = sql(pricing, tax, c + ms(0.1), 'SELECT', 'tax_rates', 'SELECT category, rate FROM tax_rates WHERE country = $1 AND valid_from <= now()', between(2, 6)).endNs;
        c = redis(pricing, tax, c + ms(0.1), 'SET', `tax-rates:${order.country}`, between(0.2, 0.6), 'redis-pricing.shop.svc.cluster.local').endNs;
    }
    end(tax, c + ms(0.1));
    c += ms(0.2);
    const promo = start(pricing.app, 'PromotionEngine.apply', SpanKind.INTERNAL, c, price, { 'shop.promotion.code_count': order.n % 4 === 0 ? 1 : 0 });
    c = sql(pricing, promo, c + ms(0.1), 'SELECT', 'promotions', 'SELECT id, kind, value FROM promotions WHERE active AND $1 = ANY(skus)', between(1.5, 4)).endNs;
    if (order.rejected) {
        promo.addEvent('promotion.rejected', { 'shop.promotion.code': 'SPRING25', 'shop.promotion.reason': 'expired' }, hr(c));
    }
    end(promo, c + ms(0.1));
    end(price, c + ms(0.3));
    end(server, c + ms(0.5));
    return end(client, c + ms(between(0.6, 1.4)));
}

function checkout(n, t) {
    const order = {
        n,
        id: `ord_${(7340021 + n * 17).toString(36)}`,
        cart: `cart_${hexBytes(5)}`,
        customer: `cus_${hexBytes(4)}`,
        items: int(1, 6),
        country: pick(['DE', 'FR', 'NL', 'IE', 'ES']),
        amount: Math.round(between(19, 480) * 100) / 100,
        rejected: n === FAILED_CHECKOUT,
    };
    const root = httpServer(checkoutApi, null, t, 'POST', '/orders', '/orders', order.rejected ? 422 : 201, {
        'url.scheme': 'https',
        'server.address': 'api.shop.example',
        'server.port': 443,
        'client.address': `203.0.113.${int(2, 250)}`,
        'user_agent.original': pick([
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
            'ShopApp/5.12.0 (iPhone; iOS 17.3.1)',
        ]),
        'http.request.body.size': int(400, 2400),
    });
    let c = t + ms(between(0.2, 0.6));
    const ctrl = start(checkoutApi.app, 'CheckoutController.createOrder', SpanKind.INTERNAL, c, root, {
        'shop.cart.id': order.cart, 'shop.customer.id': order.customer, 'shop.order.item_count': order.items,
        'code.function.name': 'CheckoutController.createOrder', 'code.file.path': '/app/dist/checkout/controller.js',
    });
    c += ms(0.1);
    const cartGet = redis(checkoutApi, ctrl, c, 'GET', `cart:${order.cart}`, n === CACHE_TIMEOUT ? 250 : between(0.3, 1.1), 'redis-cart.shop.svc.cluster.local');
    if (n === CACHE_TIMEOUT) {
        // Let the SDK record the failure as instrumentation does, then fall back to the database.
        cartGet.setStatus({ code: SpanStatusCode.ERROR, message: 'Command timed out' });
        cartGet.recordException({ name: 'ReplyError', message: 'Command timed out', stack: 'ReplyError: Command timed out\n    at Timeout._onTimeout (/app/node_modules/ioredis/built/Command.js:192:33)' }, hr(cartGet.endNs));
        cartGet.setAttribute('error.type', 'timeout');
        c = sql(checkoutApi, ctrl, cartGet.endNs + ms(0.2), 'SELECT', 'carts', 'SELECT items FROM carts WHERE id = $1', between(2, 5)).endNs;
    } else {
        c = cartGet.endNs;
    }
    c = sql(checkoutApi, ctrl, c + ms(0.2), 'SELECT', 'customers', 'SELECT id, email, tier, default_address_id FROM customers WHERE id = $1', between(1.2, 3.5)).endNs;
    const quoteClient = start(checkoutApi.app, 'PricingClient.quote', SpanKind.INTERNAL, c + ms(0.1), ctrl, { 'shop.cart.id': order.cart });
    const post = pricingCall(quoteClient, c + ms(0.2), order);
    end(quoteClient, post.endNs + ms(0.1));
    c = post.endNs + ms(0.3);
    const out = { order, root };
    if (order.rejected) {
        ctrl.addEvent('order.rejected', { 'shop.reject.reason': 'promotion_expired', 'shop.promotion.code': 'SPRING25' }, hr(c));
        end(ctrl, c + ms(0.2));
        end(root, c + ms(0.6));
        note('rejected checkout (422, nothing published)', root, `order ${order.id}`);
        return out;
    }
    c = sql(checkoutApi, ctrl, c, 'INSERT', 'orders', 'INSERT INTO orders (id, customer_id, total, currency, status) VALUES ($1, $2, $3, $4, $5)', between(2.5, 7)).endNs;
    c = sql(checkoutApi, ctrl, c + ms(0.1), 'INSERT', 'order_lines', 'INSERT INTO order_lines (order_id, sku, quantity, unit_price) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::numeric[])', between(1.5, 4)).endNs;
    const emit = start(checkoutApi.app, 'OrderEvents.emitPlaced', SpanKind.INTERNAL, c + ms(0.1), ctrl, { 'shop.order.id': order.id });
    out.orderMsg = publish(checkoutApi, emit, c + ms(0.2), 'orders', order.id, between(1.5, 4));
    out.paymentMsg = publish(checkoutApi, emit, out.orderMsg.endNs + ms(0.1), 'payments', order.id, between(1.2, 3.5));
    c = out.paymentMsg.endNs;
    end(emit, c + ms(0.1));
    end(ctrl, c + ms(0.3));
    end(root, c + ms(0.8));
    root.setAttribute('shop.order.id', order.id);
    note('checkout request', root, `order ${order.id}${n === CACHE_TIMEOUT ? ', Redis timeout inside this trace (ERROR)' : ''}`);
    return out;
}

// ---------------------------------------------------------------------------
// Consumers.

function inventoryAttempt(t, topic, message, linkSpan, attempt, failing) {
    const links = [];
    let producer = null;
    if (attempt === 1)
        producer = linkSpan;
    else // a retry is its own trace, linked to the attempt that failed
        links.push(linkTo(linkSpan, { 'messaging.destination.name': topic, 'shop.retry.attempt': attempt, 'shop.link.reason': 'retry_of' }));
    const root = consume(inventory, t, topic, 'inventory-service', message, producer, links,
        attempt > 1 ? { 'shop.retry.attempt': attempt } : {});
    let c = t + ms(between(0.1, 0.3));
    const reserve = start(inventory.app, 'StockService.reserve', SpanKind.INTERNAL, c, root, { 'shop.order.id': message.key });
    c = sql(inventory, reserve, c + ms(0.1), 'SELECT', 'stock_levels', 'SELECT sku, available FROM stock_levels WHERE sku = ANY($1) FOR UPDATE', between(1.5, 5)).endNs;
    const update = sql(inventory, reserve, c + ms(0.1), 'UPDATE', 'stock_levels', 'UPDATE stock_levels SET available = available - $2, reserved = reserved + $2 WHERE sku = $1', failing ? between(40, 90) : between(1.5, 4),
        failing ? { code: '40001', type: 'PostgresError', message: 'could not serialize access due to concurrent update', frame: 'Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:287:98)' } : null);
    c = update.endNs;
    if (failing) {
        fail(reserve, c + ms(0.2), 'StockReservationError', `reservation for ${message.key} failed: could not serialize access due to concurrent update`, 'StockService.reserve (/app/dist/stock/service.js:88:13)');
        end(reserve, c + ms(0.3));
        root.setAttribute('error.type', 'StockReservationError');
        fail(root, c + ms(0.5), 'StockReservationError', `reservation for ${message.key} failed`, 'EachMessageHandler (/app/dist/consumer.js:41:9)');
        return end(root, c + ms(0.8));
    }
    c = sql(inventory, reserve, c + ms(0.1), 'INSERT', 'reservations', 'INSERT INTO reservations (order_id, sku, quantity, expires_at) VALUES ($1, $2, $3, now() + interval \'30 minutes\')', between(1.2, 3)).endNs;
    end(reserve, c + ms(0.2));
    return end(root, c + ms(0.5));
}

function paymentConsumer(t, msg, order) {
    const root = consume(payments, t, 'payments', 'payment-service', msg.message, msg);
    let c = t + ms(between(0.1, 0.3));
    const capture = start(payments.app, 'PaymentService.capture', SpanKind.INTERNAL, c, root, {
        'shop.order.id': order.id, 'shop.payment.amount': order.amount, 'shop.payment.currency': 'EUR', 'shop.payment.method': pick(['card', 'card', 'paypal', 'sepa_debit']),
    });
    const gw = httpClient(payments, capture, c + ms(0.2), 'POST', 'https://api.payment-gateway.example/v1/charges', 200, between(120, 480));
    end(gw, gw.endNs);
    c = gw.endNs;
    if (order.n === PAYMENT_DB_ERROR) {
        const bad = sql(payments, capture, c + ms(0.2), 'INSERT', 'payments', 'INSERT INTO payments (id, order_id, amount, currency, gateway_charge_id, status) VALUES ($1, $2, $3, $4, $5, \'captured\')', 1003.4,
            { code: '40P01', type: 'PostgresError', message: 'deadlock detected', frame: 'Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:287:98)' });
        capture.addEvent('db.retry', { 'shop.retry.attempt': 2, 'shop.retry.delay_ms': 50 }, hr(bad.endNs));
        c = bad.endNs + ms(50);
    }
    c = sql(payments, capture, c + ms(0.2), 'INSERT', 'payments', 'INSERT INTO payments (id, order_id, amount, currency, gateway_charge_id, status) VALUES ($1, $2, $3, $4, $5, \'captured\')', between(2, 6)).endNs;
    end(capture, c + ms(0.2));
    const event = publish(payments, root, c + ms(0.4), 'payment-events', order.id, between(1.2, 3));
    end(root, event.endNs + ms(0.4));
    return { root, capture, event };
}

function receiptMailer(t, event, order) {
    const root = consume(notifications, t, 'payment-events', 'notification-service', event.message, event);
    let c = t + ms(between(0.1, 0.3));
    const mail = start(notifications.app, 'ReceiptMailer.send', SpanKind.INTERNAL, c, root, { 'shop.order.id': order.id, 'shop.notification.channel': 'email' });
    c = sql(notifications, mail, c + ms(0.1), 'SELECT', 'customers', 'SELECT email, locale FROM customers WHERE id = $1', between(1, 3)).endNs;
    const render = start(notifications.app, 'TemplateRenderer.render', SpanKind.INTERNAL, c + ms(0.1), mail, { 'shop.template.name': 'payment-receipt', 'shop.template.locale': pick(['de-DE', 'fr-FR', 'nl-NL', 'en-IE', 'es-ES']) });
    c = end(render, c + ms(between(3, 9))).endNs;
    const send = httpClient(notifications, mail, c + ms(0.2), 'POST', 'https://api.mail-provider.example/v3/mail/send', 202, between(60, 240));
    c = end(send, send.endNs).endNs;
    end(mail, c + ms(0.2));
    return end(root, c + ms(0.4));
}

// ---------------------------------------------------------------------------
// Build the evening: checkouts every ~75 s from 21:30, each with its consumers.

const checkouts = [];
const captured = []; // payment-service capture spans the nightly settlement links to
let t = T0 + ms(4180);
for (let n = 1; n <= ORDERS; ++n) {
    const co = checkout(n, t);
    checkouts.push(co);
    t += ms(between(55000, 95000));
}

for (const co of checkouts) {
    if (!co.orderMsg)
        continue;
    const { order, orderMsg, paymentMsg } = co;
    // inventory-service: a few ms after the publish.
    let at = orderMsg.endNs + ms(between(3, 40));
    let attempt = inventoryAttempt(at, 'orders', orderMsg.message, orderMsg, 1, order.n === RETRIED_ORDER);
    note(order.n === RETRIED_ORDER ? 'retry chain: attempt 1 (ERROR)' : 'inventory consumer', attempt, `order ${order.id}, links to the orders publish span of the checkout`);
    if (order.n === RETRIED_ORDER) {
        const backoff = [1000, 5000];
        for (let k = 2; k <= 3; ++k) {
            const retryMsg = { id: messageId(), topic: 'orders.retry', key: order.id, partition: orderMsg.message.partition, offset: kafkaOffset['orders.retry']++ };
            at = attempt.endNs + ms(backoff[k - 2] + between(2, 20));
            attempt = inventoryAttempt(at, 'orders.retry', retryMsg, attempt, k, true);
            note(`retry chain: attempt ${k} (ERROR)`, attempt, `order ${order.id}, links to attempt ${k - 1}`);
        }
        // After the last attempt the message goes to the dead-letter topic.
        const dlqMsg = { id: messageId(), topic: 'orders.dlq', key: order.id, partition: '0', offset: kafkaOffset['orders.dlq']++ };
        at = attempt.endNs + ms(30000 + between(5, 50));
        const dlq = start(deadLetters.kafka, 'orders.dlq process', SpanKind.CONSUMER, at, null, {
            'messaging.system': 'kafka',
            'messaging.destination.name': 'orders.dlq',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.consumer.group.name': 'dead-letter-handler',
            'messaging.message.id': dlqMsg.id,
            'messaging.kafka.message.key': order.id,
            'messaging.destination.partition.id': '0',
            'messaging.kafka.offset': dlqMsg.offset,
            'server.address': 'kafka-1.shop.svc.cluster.local',
            'server.port': 9092,
        }, [linkTo(attempt, { 'messaging.destination.name': 'orders.dlq', 'shop.retry.attempt': 3, 'shop.link.reason': 'dead_letter_of', 'shop.dlq.reason': 'max_attempts_exceeded' })]);
        let c = at + ms(0.2);
        const park = start(deadLetters.app, 'DeadLetterStore.park', SpanKind.INTERNAL, c, dlq, { 'shop.order.id': order.id, 'shop.dlq.attempts': 3 });
        c = sql(deadLetters, park, c + ms(0.1), 'INSERT', 'dead_letters', 'INSERT INTO dead_letters (topic, message_id, key, attempts, last_error, payload) VALUES ($1, $2, $3, $4, $5, $6)', between(2, 5)).endNs;
        end(park, c + ms(0.1));
        const alert = httpClient(deadLetters, dlq, c + ms(0.3), 'POST', 'https://events.alerting.example/v2/enqueue', 202, between(80, 200));
        c = end(alert, alert.endNs).endNs;
        dlq.addEvent('alert.sent', { 'shop.alert.severity': 'warning', 'shop.alert.dedup_key': `dlq:orders:${order.id}` }, hr(c));
        end(dlq, c + ms(0.3));
        note('retry chain: dead letter', dlq, `order ${order.id}, links to attempt 3`);
    }
    // payment-service: 50 ms to 2 s after the publish, then the receipt mail.
    const pay = paymentConsumer(paymentMsg.endNs + ms(between(50, 2000)), paymentMsg, order);
    captured.push({ span: pay.capture, order });
    note(order.n === PAYMENT_DB_ERROR ? 'payment consumer with failing DB span (ERROR downstream of checkout)' : 'payment consumer', pay.root, `order ${order.id}, links to the payments publish span`);
    const mail = receiptMailer(pay.event.endNs + ms(between(100, 3000)), pay.event, order);
    note('receipt mail (second hop: checkout -> payment -> notification)', mail, `order ${order.id}, links to the payment-events publish span`);
}

// search-indexer polls "orders" in batches: one CONSUMER span linked to every message it indexed.
{
    const published = checkouts.filter((co) => co.orderMsg);
    const groups = [published.slice(0, 4), published.slice(4, 8), published.slice(8)];
    for (const group of groups) {
        const last = group[group.length - 1].orderMsg;
        const at = last.endNs + ms(between(800, 2500));
        const root = start(indexer.kafka, 'orders process', SpanKind.CONSUMER, at, null, {
            'messaging.system': 'kafka',
            'messaging.destination.name': 'orders',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.consumer.group.name': 'search-indexer',
            'messaging.batch.message_count': group.length,
            'server.address': 'kafka-1.shop.svc.cluster.local',
            'server.port': 9092,
        }, group.map((co) => linkTo(co.orderMsg, { 'messaging.destination.name': 'orders', 'messaging.message.id': co.orderMsg.message.id })));
        const bulk = httpClient(indexer, root, at + ms(0.5), 'POST', 'https://search.shop.svc.cluster.local:9200/_bulk', 200, between(12, 40));
        end(bulk, bulk.endNs);
        end(root, bulk.endNs + ms(0.5));
        note(`batch consumer (${group.length} links, below grouping threshold)`, root, `links to the orders publish spans of ${group.map((co) => co.order.id).join(', ')}`);
    }
}

// notification-service also consumes "customer-events" from the CRM, whose
// traces are not exported: these links point at spans not in the file.
{
    const crmState = new TraceState('crm=p:8a3c1e,rojo=00f067aa0ba902b7');
    for (let k = 0; k < 3; ++k) {
        const at = T0 + ms(200000 + k * 211000 + between(0, 5000));
        const upstream = {
            context: { traceId: hexBytes(16), spanId: hexBytes(8), traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: k === 0 ? crmState : undefined },
            attributes: { 'messaging.destination.name': 'customer-events', 'shop.upstream.system': 'crm' },
        };
        const message = { id: messageId(), key: `cus_${hexBytes(4)}`, partition: String(k), offset: 77120 + k };
        const root = start(notifications.kafka, 'customer-events process', SpanKind.CONSUMER, at, null, {
            'messaging.system': 'kafka',
            'messaging.destination.name': 'customer-events',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.consumer.group.name': 'notification-service',
            'messaging.message.id': message.id,
            'messaging.kafka.message.key': message.key,
            'messaging.destination.partition.id': message.partition,
            'messaging.kafka.offset': message.offset,
            'server.address': 'kafka-1.shop.svc.cluster.local',
            'server.port': 9092,
        }, [upstream]);
        let c = at + ms(0.2);
        const prefs = start(notifications.app, 'PreferenceSync.apply', SpanKind.INTERNAL, c, root, { 'shop.customer.id': message.key, 'shop.crm.event': pick(['consent.updated', 'email.changed', 'locale.changed']) });
        c = sql(notifications, prefs, c + ms(0.1), 'UPDATE', 'notification_preferences', 'UPDATE notification_preferences SET email_opt_in = $2, locale = $3 WHERE customer_id = $1', between(1.5, 4)).endNs;
        end(prefs, c + ms(0.1));
        end(root, c + ms(0.3));
        note('link to a span not in the file (upstream CRM)', root, `links to ${upstream.context.traceId}/${upstream.context.spanId}`);
    }
}

// In-store card payments through pos-gateway -> payment-service, captured
// between 21:30 and 21:46 and settled by the nightly batch.
const SETTLED = 40;
{
    const count = SETTLED - captured.length;
    const first = T0 + ms(15000);
    const lastAt = T0 + ms(15 * 60000 + 58000); // 21:45:58
    for (let k = 0; k < count; ++k) {
        const at = first + (lastAt - first) * BigInt(k) / BigInt(count - 1) + ms(between(0, 900));
        const amount = Math.round(between(2.5, 160) * 100) / 100;
        const store = pick(['berlin-mitte', 'paris-marais', 'amsterdam-centrum', 'dublin-grafton']);
        const root = httpServer(pos, null, at, 'POST', '/v1/card-present/payments', '/v1/card-present/payments', 201, {
            'url.scheme': 'https',
            'server.address': 'pos.shop.example',
            'server.port': 443,
            'client.address': `198.51.100.${int(2, 250)}`,
            'user_agent.original': 'PosTerminal/7.4.2 (Verifone V400m)',
            'shop.store.id': store,
        });
        let c = at + ms(0.3);
        const client = httpClient(pos, root, c, 'POST', 'http://payment-service.shop.svc.cluster.local:8080/payments', 201, 0);
        c += ms(between(0.4, 1));
        const server = httpServer(payments, remote(client), c, 'POST', '/payments', '/payments', 201, { 'client.address': '10.40.16.54', 'user_agent.original': 'undici' });
        const capture = start(payments.app, 'PaymentService.capture', SpanKind.INTERNAL, c + ms(0.1), server, {
            'shop.payment.amount': amount, 'shop.payment.currency': 'EUR', 'shop.payment.method': 'card_present', 'shop.store.id': store,
        });
        const gw = httpClient(payments, capture, c + ms(0.3), 'POST', 'https://api.payment-gateway.example/v1/charges', 200, between(90, 350));
        c = end(gw, gw.endNs).endNs;
        c = sql(payments, capture, c + ms(0.2), 'INSERT', 'payments', 'INSERT INTO payments (id, order_id, amount, currency, gateway_charge_id, status) VALUES ($1, $2, $3, $4, $5, \'captured\')', between(2, 6)).endNs;
        end(capture, c + ms(0.2));
        end(server, c + ms(0.5));
        c = end(client, c + ms(1)).endNs;
        end(root, c + ms(0.4));
        captured.push({ span: capture, order: { id: null, amount } });
        note('batch item (in-store payment)', root, `capture span ${capture.spanContext().spanId}`);
    }
}

// The nightly settlement at midnight, 2 h 14 min after the last payment it settles.
{
    const at = MIDNIGHT + ms(412.7);
    const batchId = 'stl_20250315_0000';
    const links = captured.map(({ span, order }, k) => linkTo(span, {
        'shop.settlement.batch_id': batchId,
        'shop.settlement.line': k + 1,
        'shop.payment.amount': order.amount,
        ...(order.id ? { 'shop.order.id': order.id } : {}),
    }));
    const total = Math.round(captured.reduce((s, { order }) => s + order.amount, 0) * 100) / 100;
    const root = start(billing.app, 'settle-payments', SpanKind.INTERNAL, at, null, {
        'shop.batch.name': 'settle-payments',
        'shop.batch.id': batchId,
        'shop.batch.item_count': captured.length,
        'shop.settlement.total': total,
        'shop.settlement.currency': 'EUR',
        'shop.settlement.dry_run': false,
        'code.function.name': 'settlePayments',
    }, links);
    let c = at + ms(3);
    c = sql(billing, root, c, 'SELECT', 'payments', 'SELECT id, amount, currency, gateway_charge_id FROM payments WHERE status = \'captured\' AND settled_at IS NULL ORDER BY captured_at', between(30, 80)).endNs;
    const build = start(billing.app, 'SettlementFile.build', SpanKind.INTERNAL, c + ms(1), root, { 'shop.settlement.format': 'camt.054', 'shop.batch.item_count': captured.length });
    c += ms(1);
    for (let chunk = 0; chunk < 4; ++chunk) {
        const w = start(billing.app, 'SettlementFile.writeChunk', SpanKind.INTERNAL, c + ms(0.2), build, { 'shop.settlement.chunk': chunk + 1, 'shop.settlement.chunk_size': 10 });
        c = end(w, c + ms(between(20, 60))).endNs;
        build.addEvent('settlement.progress', { 'shop.settlement.lines_written': (chunk + 1) * 10, 'shop.settlement.lines_total': captured.length }, hr(c));
    }
    end(build, c + ms(0.5));
    const upload = httpClient(billing, root, c + ms(2), 'PUT', `https://settlements.acquirer.example/v1/files/${batchId}.xml`, 201, between(900, 2400));
    c = end(upload, upload.endNs).endNs;
    c = sql(billing, root, c + ms(1), 'UPDATE', 'payments', 'UPDATE payments SET settled_at = now(), settlement_id = $1 WHERE id = ANY($2)', between(15, 40)).endNs;
    const done = publish(billing, root, c + ms(1), 'settlements', batchId, between(2, 5));
    end(root, done.endNs + ms(2));
    note(`nightly batch (${captured.length} links, above grouping threshold)`, root, `starts ${isoTime(at)}, links to ${captured.length} PaymentService.capture spans`);
}

// ---------------------------------------------------------------------------
// Collect and serialize.

await Promise.all(services.map((s) => s.provider.forceFlush()));

const MINUTE = 60000000000n;
const groups = new Map(); // "window/service index" -> spans
let spanCount = 0;
const all = [];
services.forEach((s, si) => {
    for (const span of s.exporter.getFinishedSpans()) {
        const ns = BigInt(span.endTime[0]) * 1000000000n + BigInt(span.endTime[1]);
        const window = ns / MINUTE;
        const key = `${window.toString().padStart(12, '0')}/${String(si).padStart(2, '0')}`;
        if (!groups.has(key))
            groups.set(key, []);
        groups.get(key).push(span);
        all.push(span);
        ++spanCount;
    }
});

const decoder = new TextDecoder();
const lines = [...groups.keys()].sort().map((key) => decoder.decode(JsonTraceSerializer.serializeRequest(groups.get(key))));
const jsonl = lines.join('\n') + '\n';
writeFileSync(join(outDir, 'causeway-sample.jsonl'), jsonl);
const pb = ProtobufTraceSerializer.serializeRequest(all);
writeFileSync(join(outDir, 'causeway-sample.pb'), pb);

const traceIds = new Set(all.map((s) => s.spanContext().traceId));
const linkCount = all.reduce((n, s) => n + s.links.length, 0);

// The README's table of trace ids is regenerated with the files.
const rows = index.map((e) => `| ${e.pattern} | \`${e.traceId}\` | \`${e.spanId}\` | ${e.service} | ${e.name} | ${isoTime(e.start)} | ${e.text} |`);
const table = [
    '<!-- ids:begin (written by generate/generate.mjs) -->',
    `Totals: ${traceIds.size} traces, ${spanCount} spans, ${linkCount} links, ${services.length} services, ${lines.length} lines in causeway-sample.jsonl.`,
    '',
    '| pattern | trace id | root span id | service | root span | start (UTC) | notes |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '<!-- ids:end -->',
].join('\n');
const readmePath = join(outDir, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const updated = readme.replace(/<!-- ids:begin[\s\S]*?<!-- ids:end -->/, table);
if (updated === readme && !readme.includes(table))
    throw new Error('README.md has no <!-- ids:begin --> ... <!-- ids:end --> markers');
writeFileSync(readmePath, updated);

console.log(`${traceIds.size} traces, ${spanCount} spans, ${linkCount} links, ${lines.length} lines; ` +
    `causeway-sample.jsonl ${jsonl.length} bytes, causeway-sample.pb ${pb.length} bytes`);
