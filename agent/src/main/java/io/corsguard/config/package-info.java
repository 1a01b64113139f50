/**
 * Configuration (DESIGN.md section 2): parse, validate, layer, reload. Pure Java; nothing here
 * logs, the caller logs {@link io.corsguard.config.ConfigResult#errorMessages()} and
 * {@link io.corsguard.config.CorsGuardConfig#warnings()}.
 *
 * <p>Entry points: {@link io.corsguard.config.ConfigLoader#load} at start-up (errors: install
 * nothing, stay inert), {@link io.corsguard.config.ConfigLoader#reload} when
 * {@link io.corsguard.config.ConfigFileWatch#changed()} (errors: keep
 * {@link io.corsguard.config.ConfigResult#active()}, the previous configuration).
 *
 * <p>Decisions beyond the design:
 * <ul>
 * <li>Keys in the file need the {@code corsguard.} prefix; agent-argument keys must not have it.
 * An unknown key is an error in every layer, {@code CORSGUARD_*} variables and
 * {@code -Dcorsguard.*} properties included: a typo would otherwise silently keep a default.</li>
 * <li>Every layer is validated in full, so a bad value in the file is reported even when a
 * higher layer overrides it.</li>
 * <li>Empty list entries ({@code a,,b}, a trailing comma) are ignored, also in
 * {@code allowed-origins}: an empty entry cannot trust anything. {@code *} and {@code null} in
 * {@code allowed-origins} are errors that say what to write instead.</li>
 * <li>Empty values: an empty list; {@code log.file} empty is stderr; for booleans, enums and
 * durations an error (no silent fallback to the default).</li>
 * <li>Durations need a unit ({@code ms s m h}) unless {@code 0}: a bare {@code 5000} is ambiguous.</li>
 * <li>Method and header names must be RFC 9110 tokens: they end up in response headers.</li>
 * <li>Keys {@code test.commit-hook} and {@code test.fault} are for it-tests only.</li>
 * </ul>
 */
package io.corsguard.config;
