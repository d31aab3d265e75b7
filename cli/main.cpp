// main.cpp - `ganvas`, the native command-line tool: one CLI11 app with a subcommand each.
#include <CLI/CLI.hpp>

#include "cli.h"
#include "gemm_kernel_env.h"  // kernels: GANVAS_GEMM_KERNEL

int main(int argc, char** argv) {
    CLI::App app{"ganvas - train and inspect the Ganvas GAN from the command line"};
    app.require_subcommand(1);
    app.footer("Run `ganvas <command> --help` for a command's options.");
    ganvas_cli::TrainArgs train;
    ganvas_cli::SampleArgs sample;
    ganvas_cli::BenchArgs bench;
    ganvas_cli::ExportArgs export_args;
    ganvas_cli::LinkArgs link;
    CLI::App* train_command =
        app.add_subcommand("train", "train a GAN from a preset and write losses, a sample grid and a checkpoint");
    CLI::App* sample_command = app.add_subcommand("sample", "draw images from a checkpoint's generator (PNG grid, raw float32)");
    CLI::App* bench_command = app.add_subcommand("bench", "measure training speed (iterations/s, time per phase, GFLOP/s)");
    CLI::App* export_command =
        app.add_subcommand("export-generator", "write a checkpoint's generator alone (the file the page explores)");
    ganvas_cli::train_options(*train_command, &train);
    ganvas_cli::sample_options(*sample_command, &sample);
    ganvas_cli::bench_options(*bench_command, &bench);
    ganvas_cli::export_options(*export_command, &export_args);
    CLI::App* link_command = app.add_subcommand("link", "write a share link to a digit (or grid) of a checkpoint or recipe");
    ganvas_cli::link_options(*link_command, &link);
    ganvas_cli::ClassifierArgs classifier;
    CLI::App* classifier_command =
        app.add_subcommand("classifier", "train the digit classifier that measures generated digits (held-out accuracy, FD)");
    ganvas_cli::classifier_options(*classifier_command, &classifier);
    ganvas_cli::EvalArgs eval;
    CLI::App* eval_command = app.add_subcommand(
        "eval", "measure a generator's digits with the classifier: FD, modes covered, KL to uniform, confident share");
    ganvas_cli::eval_options(*eval_command, &eval);

    const int stop = ganvas_cli::cli_parse(app, argc, argv);
    if (stop >= 0) return stop;
    ganvas_cli::apply_gemm_kernel_env();  // GANVAS_GEMM_KERNEL, if set
    if (train_command->parsed()) return ganvas_cli::train_run(train);
    if (sample_command->parsed()) return ganvas_cli::sample_run(sample);
    if (export_command->parsed()) return ganvas_cli::export_run(export_args);
    if (link_command->parsed()) return ganvas_cli::link_run(link);
    if (classifier_command->parsed()) return ganvas_cli::classifier_command_run(classifier);
    if (eval_command->parsed()) return ganvas_cli::eval_run(eval);
    return ganvas_cli::bench_run(bench);
}
