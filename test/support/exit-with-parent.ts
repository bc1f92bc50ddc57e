/**
 * Loaded first into every todoke process the test and benchmark harnesses start (spawnTodoke): the process ends
 * itself once the harness that started it is gone. A harness that is SIGKILLed never runs its cleanup, and its
 * processes would otherwise go on working against their database and ports until someone kills them by hand.
 */
const harness = process.ppid;
setInterval(() => {
  if (process.ppid !== harness) process.kill(process.pid, 'SIGKILL');
}, 500).unref();
