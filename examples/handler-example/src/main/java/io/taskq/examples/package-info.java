/** An example of a user-written {@link io.taskq.common.TaskHandler}, packaged as a plug-in jar. */
package io.taskq.examples;
