/** Camera URL handling every module shares: redaction, so a camera password never reaches logs, metrics or events. */
package io.maskwatch.common.camera;
