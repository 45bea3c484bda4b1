/** JSON and Kafka serdes for the contract records; undecodable input fails with {@code EventDecodingException}. */
package io.maskwatch.common.serde;
