/** Shared by the benchmark's load generator and its server process. */
export const BENCH_PUBLIC_URL = 'https://bench.aftercare.test'
export const BENCH_AUTH_TOKEN = 'bench-twilio-auth-token'
