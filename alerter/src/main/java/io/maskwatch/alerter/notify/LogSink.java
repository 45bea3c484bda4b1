package io.maskwatch.alerter.notify;

import io.maskwatch.common.contract.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes notifications to the service log (the default sink: useful before any webhook is set up). */
final class LogSink implements Sink {
    private static final Logger log = LoggerFactory.getLogger("maskwatch.notifications");
    private final SinkConfig cfg;

    LogSink(SinkConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public SinkConfig config() {
        return cfg;
    }

    @Override
    public Result deliver(Notification n) {
        log.info("[{}] {} {}", n.notificationId(), n.message(), n.snapshotUrls());
        return Result.OK;
    }
}
