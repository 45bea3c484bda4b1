/** {@code maskwatch export-feedback}: the custodian's false alarms as classifier training crops. */
package io.maskwatch.app.feedback;
