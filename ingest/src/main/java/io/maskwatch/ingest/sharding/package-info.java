/** Which ingest worker owns which camera when several workers share one camera list. */
package io.maskwatch.ingest.sharding;
