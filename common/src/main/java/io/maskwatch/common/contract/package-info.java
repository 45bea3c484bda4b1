/** The event contracts on the topics: versioned records, topic names and frame headers (docs/ARCHITECTURE.md). */
package io.maskwatch.common.contract;
