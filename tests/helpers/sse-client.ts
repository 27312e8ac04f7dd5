export { connectSse, type ReceivedEvent, type SseClient } from '../../src/events/sse-client.js';
