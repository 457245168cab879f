package io.akkube.cluster.e2e;

import io.akkube.multijvm.ThreeControlPlanes;

/**
 * Issue 7: embedded mode and cluster mode pass the same end-to-end scenario suite. Every scenario
 * of {@link KubectlIT} (issue 2's user story with the real kubectl), here against three
 * control-plane members on Cassandra instead of the embedded akkube.
 */
@RunsAgainst(ThreeControlPlanes.class)
class KubectlOnClusterIT extends KubectlIT {}
