/** The {@code ./maskwatch} subcommand contract ({@code Command}), argument parsing and graceful shutdown. */
package io.maskwatch.common.cli;
