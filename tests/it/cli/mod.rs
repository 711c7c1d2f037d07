//! The command line as a user meets it: help, the commands besides `scan`, where outputs go,
//! counts said in the singular, and a first use that holds no silent surprise.

mod commands;
mod first_use;
mod help;
mod outputs;
mod singular_counts;
