// What an idle system costs: CPU per process group over BENCH_IDLE_SECONDS (30) of a running
// system that nothing uses (`node --import tsx bench/idle.ts` after `npm start` is ready).
import { cpuBetween, cpuSnapshot } from './cpu.js';

const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const before = cpuSnapshot();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const used = cpuBetween(before, cpuSnapshot());
console.log(`CPU while idle, ms per second over ${seconds} s:`);
console.table(Object.fromEntries(Object.entries(used).map(([group, ms]) => [group, Math.round((ms / seconds) * 10) / 10])));
