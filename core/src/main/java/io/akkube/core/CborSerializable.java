package io.akkube.core;

/**
 * Marker for everything persisted or sent between cluster members: bound to Akka's Jackson CBOR
 * serializer in akkube.conf.
 */
public interface CborSerializable {}
