package io.akkube.http.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Scheduling;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GoJsonFieldsTest {

  @Test
  void everyGeneratedEntryNamesAFieldOfTheShippedDescriptors() {
    Set<String> known = new HashSet<>();
    for (FileDescriptor file :
        List.of(
            V1.getDescriptor(),
            V1Apps.getDescriptor(),
            V1Policy.getDescriptor(),
            V1Autoscaling.getDescriptor(),
            V1Scheduling.getDescriptor(),
            V1Discovery.getDescriptor(),
            Meta.getDescriptor())) {
      for (Descriptor message : file.getMessageTypes()) {
        message.getFields().forEach(f -> known.add(GoJsonFields.key(f)));
      }
    }
    GoJsonFields fields = GoJsonFields.load();
    List<String> unknown =
        Stream.of(fields.inline(), fields.keepZero(), fields.renames().keySet())
            .flatMap(Set::stream)
            .filter(k -> !known.contains(k))
            .sorted()
            .toList();

    assertThat(unknown).isEmpty();
    assertThat(fields.inline()).contains("k8s.io.api.core.v1.Volume.volumeSource");
    assertThat(fields.keepZero())
        .contains("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions.gracePeriodSeconds");
  }
}
