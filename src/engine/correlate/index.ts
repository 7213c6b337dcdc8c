export { buildChains, linkKeys, stageOf, LINK_WINDOW_MS } from './chains';
export type { ChainBuild } from './chains';
export { clusterChains } from './campaign';
export { inferBehaviours } from './behaviours';
export { registeredDomain } from '../indicators/domains';
export { detectionSignals, correlationSignals, makeSignal, levelWeight, combinedOutcome } from './signal';
export type { Signal, RoleHint, SignalKind, EventLookup } from './signal';
export { userKey, hostKey, baseName, ipValue } from './entities';
