package io.maskwatch.alerter.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.maskwatch.common.contract.Alert;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What {@link AlerterApi} leaves to the custodian's actions ({@code io.maskwatch.alerter.review}):
 * changing requests on {@code /api/alerts/...}, the review fields of an alert's JSON, list filters,
 * and an audit record for each face, heat map or detail served.
 */
public interface AlertActions {
    /**
     * Answers a request other than GET on {@code /api/alerts/{id}[/action]}.
     *
     * @param action the segment after the id, or null
     */
    void change(HttpExchange ex, String alertId, String action) throws IOException;

    /** Adds {@code acknowledged} / {@code false_alarm} to an alert's JSON. */
    void annotate(Alert a, ObjectNode item);

    /**
     * The list filter the query asks for (e.g. {@code unacknowledged=true}).
     *
     * @throws IllegalArgumentException naming the bad parameter
     */
    Predicate<Alert> filter(Map<String, List<String>> query);

    /** {@code by} (role or {@code link}) was served {@code what} ({@code alert}, {@code face}, {@code heatmap}). */
    void viewed(String by, String alertId, String what);

    /** No actions: read-only API (tests of the API alone). */
    AlertActions NONE = new AlertActions() {
        @Override
        public void change(HttpExchange ex, String alertId, String action) throws IOException {
            ex.getResponseHeaders().set("Allow", "GET");
            AlerterApi.error(ex, 405, "method " + ex.getRequestMethod() + " not allowed; this API is read-only");
        }

        @Override
        public void annotate(Alert a, ObjectNode item) {
        }

        @Override
        public Predicate<Alert> filter(Map<String, List<String>> query) {
            return a -> true;
        }

        @Override
        public void viewed(String by, String alertId, String what) {
        }
    };
}
