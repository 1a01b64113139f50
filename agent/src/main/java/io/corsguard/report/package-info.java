/**
 * The violation log (DESIGN §3), the agent's own messages, counters and learned origins.
 *
 * <p>Decisions the tests pin:
 * <ul>
 *   <li>JSON lines always carry all thirteen contract fields in contract order; {@code corrected}
 *       is {@code null} when nothing was sent differently (monitor mode), never omitted, so
 *       consumers need no optional-field handling. The text format shows {@code corrected=[...]}
 *       only in correct mode and {@code count=N} only on folded lines.</li>
 *   <li>{@code action} is the violation's correction in both modes: applied in correct mode,
 *       would-be in monitor mode ({@code mode} tells which).</li>
 *   <li>Escaping: JSON per RFC 8259 plus {@code \\uXXXX} for everything outside printable ASCII
 *       (U+2028/2029 included); text turns CR, LF, tab into {@code \r \n \t}, other controls and
 *       Latin-1 into {@code \xNN}, the rest into {@code \\uXXXX}, and escapes {@code \\} and
 *       {@code "}. A line is printable ASCII and ends at its one newline. Values are cut at
 *       2048 output characters, header lists at 4096, with a {@code ...(+N chars)} /
 *       {@code ...(+N more lines)} marker.</li>
 *   <li>Dedupe key: rule, action, server, origin, path. The first occurrence is written at once;
 *       the rest of its window is counted; the next occurrence after the window (or a sweep,
 *       {@code flush()}, {@code close()}) writes one line with the count since the previous line.
 *       At most 10 000 windows; beyond that lines are written undeduplicated and counted as
 *       {@code report.dedupe-overflow}.</li>
 *   <li>Agent messages go to stderr as {@code [corsguard] LEVEL message}, filtered by
 *       {@code log.level}; violation lines are never filtered by it.</li>
 * </ul>
 */
package io.corsguard.report;
