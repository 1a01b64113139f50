package io.corsguard.report;

/** ISO-8601 UTC instants with fixed millisecond precision ({@code 2026-11-26T07:07:35.120Z}). */
final class Timestamps {
    private Timestamps() {
    }

    static void appendIso(StringBuilder sb, long epochMillis) {
        long secs = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        long days = Math.floorDiv(secs, 86400L);
        int secOfDay = (int) Math.floorMod(secs, 86400L);
        // civil-from-days (H. Hinnant), avoids java.time allocation per line
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) {
            y++;
        }
        pad(sb, y, 4).append('-');
        pad(sb, m, 2).append('-');
        pad(sb, d, 2).append('T');
        pad(sb, secOfDay / 3600, 2).append(':');
        pad(sb, (secOfDay / 60) % 60, 2).append(':');
        pad(sb, secOfDay % 60, 2).append('.');
        pad(sb, millis, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder sb, long v, int width) {
        long limit = 1;
        for (int i = 1; i < width; i++) {
            limit *= 10;
            if (v < limit) {
                sb.append('0');
            }
        }
        return sb.append(v);
    }
}
