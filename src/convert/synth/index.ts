export * from '../../model/prng';
export * from './values';
export * from './tensor-list';
export * from './checkpoint';
export { makeCheckpoint, type MakeCheckpointOptions } from './make-checkpoint';
export * from './bigram';
