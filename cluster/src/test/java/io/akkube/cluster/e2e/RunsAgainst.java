package io.akkube.cluster.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs an e2e suite against another configuration than the embedded akkube: put it on a subclass of
 * the suite (multi-jvm-tests: {@code KubectlOnClusterIT extends KubectlIT}). The suite's {@link
 * SharedAkkube#started()} reads it from the class under test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RunsAgainst {

  Class<? extends AkkubeUnderTest> value();
}
