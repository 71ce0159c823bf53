export * from './dtypes';
export * from './errors';
export * from './header';
export * from './keys';
export * from './reader';
export * from './writer';
export * from './node-files';
