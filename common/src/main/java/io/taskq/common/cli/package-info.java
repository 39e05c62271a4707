/**
 * Command-line plumbing shared by every TaskQ subcommand: option parsing with one-line errors, and loading the
 * configuration with flags taking precedence. The subcommands themselves live in their modules.
 */
package io.taskq.common.cli;
