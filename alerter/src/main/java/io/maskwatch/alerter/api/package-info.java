/**
 * The HTTP API and page: alerts with their face and heat map, compliance views.
 */
package io.maskwatch.alerter.api;
