/**
 * bin/taskq's commands, on picocli: {@link io.taskq.cli.Main} is the top command {@code taskq}, with one class per
 * subcommand (demo, produce, consume, status, join, dead with retry and purge, tail, doctor, metrics, completion), the
 * options they share as mixins, the configuration they load ({@link io.taskq.cli.Launch}), one-line errors and exit
 * codes ({@link io.taskq.cli.OneLineErrors}), the quiet console of the one-shot commands, and the JSON (Jackson
 * records) and Prometheus text they print. Producing and consuming themselves live in the producer and consumer
 * libraries; the benchmarks in the bench module.
 */
package io.taskq.cli;
