/**
 * The one place the UI reaches the trace serializer and validator (src/agent/trace/), so the
 * store and the controller depend on three names, not on that module's layout.
 */
export { parseTrace, serializeTrace, toDeepEyesJsonl } from '../agent/trace';
