/** The distribution entry point: {@code Main} wires every subcommand at compile time; the demo and bench commands. */
package io.maskwatch.app;
