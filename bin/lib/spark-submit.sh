# Sourced by bin/ launchers. spark_submit [spark-submit arguments...] replaces the shell with spark-submit,
# set up as every project launcher needs it: conf/spark-defaults.conf, conf/log4j2.properties, ND4J's natives
# unpacked under target/ (driver and executors, never ~/.javacpp), DRIVER_MEMORY (default 4g), then the
# spark-submit arguments in SUBMIT_ARGS (split on spaces, without globbing local[2]), then the caller's.
# With SPARK_HOME set, that installation's bin/spark-submit runs; without it, spark-submit runs from the
# build's Spark jars (spark-job/target/launcher/spark-jars.txt) with the project's JVM flags.
spark_submit() {
  local root launcher javacpp log4j
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  launcher=$root/spark-job/target/launcher
  javacpp="-Dorg.bytedeco.javacpp.cachedir=$root/target/javacpp-cache"
  log4j="-Dlog4j2.configurationFile=$root/conf/log4j2.properties"
  local common=(--properties-file "$root/conf/spark-defaults.conf" --conf "spark.executor.extraJavaOptions=$javacpp")
  local submit_args
  read -r -a submit_args <<<"${SUBMIT_ARGS:-}"
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
  if [[ -n "${SPARK_HOME:-}" ]]; then
    exec "$SPARK_HOME/bin/spark-submit" "${common[@]}" --driver-memory "${DRIVER_MEMORY:-4g}" \
      --driver-java-options "$javacpp $log4j" "${submit_args[@]}" "$@"
  fi
  # shellcheck disable=SC2046,SC2086 # the flags file holds several options
  exec java $(cat "$launcher/jvm-flags.txt") -Xmx"${DRIVER_MEMORY:-4g}" $javacpp $log4j \
    -cp "$(cat "$launcher/spark-jars.txt")" org.apache.spark.deploy.SparkSubmit \
    "${common[@]}" "${submit_args[@]}" "$@"
}
