// The database handle types the domain works with, so domain code need not import the platform root.
export type { Database, Executor, Transaction } from '@pms/platform';
