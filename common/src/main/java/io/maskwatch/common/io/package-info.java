/** Small file-system helpers shared by the services, the demo and the tests. */
package io.maskwatch.common.io;
