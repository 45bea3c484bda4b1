/** The one-process demo: embedded broker, the three services, alert printing and the run summary. */
package io.maskwatch.app.demo;
