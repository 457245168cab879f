package io.akkube.cluster.bench;

/**
 * The pod the benchmarks create: what {@code kubectl create -f} sends for a typical web pod
 * (labels, annotations, two containers with env, resources, ports, probes and a volume), about 2 KB
 * of compact JSON, with the name and an extra annotation filled in.
 */
final class PodBodies {

  private PodBodies() {}

  private static final String TEMPLATE =
      """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s",\
      "labels":{"app.kubernetes.io/name":"storefront","app.kubernetes.io/instance":"storefront-eu",\
      "app.kubernetes.io/component":"web","app.kubernetes.io/part-of":"shop","tier":"frontend",\
      "version":"v1.14.2"},\
      "annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"9102",\
      "team.example.com/owner":"payments-oncall@example.com",\
      "kubernetes.io/description":"Storefront web tier serving the catalogue and the cart",%s\
      "checksum/config":"8f14e45fceea167a5a36dedd4bea2543b1f0e3f2a8b6b3a9c5e4d1f0a7b8c9d0"}},\
      "spec":{"containers":[{"name":"web","image":"registry.example.com/shop/storefront:1.14.2",\
      "args":["--listen=:8080","--metrics=:9102","--log-format=json","--cache-size=256"],\
      "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},\
      {"name":"metrics","containerPort":9102,"protocol":"TCP"}],\
      "env":[{"name":"LOG_LEVEL","value":"info"},{"name":"REGION","value":"eu-west-1"},\
      {"name":"CATALOGUE_URL","value":"http://catalogue.shop.svc.cluster.local:8080"},\
      {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},\
      {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}],\
      "resources":{"requests":{"cpu":"100m","memory":"128Mi"},\
      "limits":{"cpu":"500m","memory":"256Mi"}},\
      "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"initialDelaySeconds":10,\
      "periodSeconds":10,"timeoutSeconds":2,"failureThreshold":3},\
      "readinessProbe":{"httpGet":{"path":"/ready","port":8080},"periodSeconds":5},\
      "volumeMounts":[{"name":"cache","mountPath":"/var/cache/storefront"}],\
      "imagePullPolicy":"IfNotPresent"},\
      {"name":"log-shipper","image":"registry.example.com/infra/log-shipper:2.3.0",\
      "args":["--input=/var/log/storefront","--output=stdout"],\
      "resources":{"requests":{"cpu":"10m","memory":"32Mi"},"limits":{"memory":"64Mi"}},\
      "volumeMounts":[{"name":"cache","mountPath":"/var/log/storefront","readOnly":true}]}],\
      "volumes":[{"name":"cache","emptyDir":{"sizeLimit":"1Gi"}}],\
      "terminationGracePeriodSeconds":30,"restartPolicy":"Always","dnsPolicy":"ClusterFirst"%s},\
      "status":{}}""";

  /**
   * Names a scheduler nobody runs, as {@code spec.schedulerName}: the API benchmarks measure the
   * API and its store, as etcd's side is the store alone, without the scheduler's extra writes (a
   * FailedScheduling event and a pod condition per pod, on a cluster with no node to run it).
   */
  static final String UNSCHEDULED = ",\"schedulerName\":\"bench-unscheduled\"";

  /** A pod named {@code name} in {@code namespace}. */
  static String pod(String name, String namespace) {
    return pod(name, namespace, "", "");
  }

  /**
   * A pod with an extra annotation ({@code "key":"value",} or empty) and extra spec fields ({@code
   * ,"field":value} or empty).
   */
  static String pod(String name, String namespace, String extraAnnotation, String extraSpec) {
    return String.format(TEMPLATE, name, namespace, extraAnnotation, extraSpec);
  }
}
