package io.akkube.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Requests continue on the actor system's dispatcher after an actor answers, not elsewhere. */
class AnswersTest {

  private static final ActorTestKit testKit = ActorTestKit.create("AnswersTest");

  private record Ping(ActorRef<String> replyTo) {}

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void stagesAfterAnAnswerRunOnTheDispatcher() throws Exception {
    for (int i = 0; i < 20; i++) {
      TestProbe<Ping> actor = testKit.createTestProbe();
      CompletableFuture<String> thread =
          Answers.continueOn(
                  testKit.system().executionContext(),
                  AskPattern.<Ping, String>ask(
                      actor.getRef(), Ping::new, Duration.ofSeconds(10), testKit.scheduler()))
              .thenApply(pong -> pong + " on " + Thread.currentThread().getName());
      // The stage is chained before the answer comes, as the store's requests do.
      actor.expectMessageClass(Ping.class).replyTo().tell("pong");
      assertThat(thread.get(10, TimeUnit.SECONDS))
          .startsWith("pong on AnswersTest-akka.actor.default-dispatcher-");
    }
  }

  @Test
  void aFailedAskFailsTheContinuation() {
    ActorRef<Ping> silent = testKit.spawn(Behaviors.ignore());
    var answer =
        Answers.continueOn(
            testKit.system().executionContext(),
            AskPattern.<Ping, String>ask(
                silent, Ping::new, Duration.ofMillis(200), testKit.scheduler()));
    assertThat(answer).failsWithin(Duration.ofSeconds(10));
  }
}
