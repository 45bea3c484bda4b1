/**
 * The detector service and its offline commands: configuration ({@code DetectorConfig},
 * command-line detector options) and the {@code detector}, {@code analyze}, {@code eval} and {@code
 * crops} commands.
 */
package io.maskwatch.detector;
