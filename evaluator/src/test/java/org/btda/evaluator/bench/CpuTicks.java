package org.btda.evaluator.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process (user, kernel) and of the whole host (busy, of which softirq) from /proc, in clock ticks:
 * where a contact's CPU goes. On one machine the kernel's TCP work for both ends of every connection (ours and the
 * synthetic swarm's) competes with the evaluator, and the host's busy share says whether the run was CPU-bound.
 */
record CpuTicks(long user, long kernel, long hostBusy, long hostSoftirq, long hostTotal) {

    /** USER_HZ: 100 on every Linux this runs on (the unit of /proc's tick counts). */
    private static final double HZ = 100.0;

    static CpuTicks read() {
        try {
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 0, utime 11, stime 12
            long user = Long.parseLong(f[11]);
            long kernel = Long.parseLong(f[12]);
            String[] c = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < c.length && i <= 8; i++) total += Long.parseLong(c[i]);
            long idle = Long.parseLong(c[4]) + Long.parseLong(c[5]);
            return new CpuTicks(user, kernel, total - idle, Long.parseLong(c[7]), total);
        } catch (Exception e) {
            return null;
        }
    }

    String since(CpuTicks start, long contacts, long seconds) {
        double u = (user - start.user) / HZ;
        double k = (kernel - start.kernel) / HZ;
        double busy = hostTotal == start.hostTotal ? 0 : (double) (hostBusy - start.hostBusy) / (hostTotal - start.hostTotal);
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format("measured window cpu: evaluator user %.1f s + kernel %.1f s = %.0f µs per contact (%.0f µs in the kernel);"
                        + " host busy %.0f %% of %d cores (softirq %.1f s)",
                u, k, (u + k) * 1e6 / contacts, k * 1e6 / contacts, busy * 100, cores,
                (hostSoftirq - start.hostSoftirq) / HZ);
    }
}
