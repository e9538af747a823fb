export {
  startGrpcServer,
  unary,
  requestIdKey,
  type GrpcLogger,
  type GrpcServiceRegistration,
  type GrpcServerOptions,
  type GrpcServerHandle,
  type GrpcCallContext,
  type UnaryHandler,
} from './server.js';
export {
  createGrpcClient,
  defaultChannelOptions,
  type GrpcClient,
  type GrpcClientCtor,
  type GrpcClientOptions,
  type GrpcCallOptions,
  type UnaryMethodName,
  type RequestOf,
  type ResponseOf,
} from './client.js';
export {
  fromGrpcError,
  toGrpcStatus,
  normalizeError,
  isServiceError,
  errorCodeKey,
  errorDetailsKey,
  type GrpcErrorContext,
} from './status.js';
