//! `cargo run --example check_config -- FILE...`: what `chartroom check-config` prints,
//! usable before the CLI is wired.

fn main() -> std::process::ExitCode {
    let mut code = std::process::ExitCode::SUCCESS;
    for file in std::env::args().skip(1) {
        match chartroom::ui::check_config_file(std::path::Path::new(&file)) {
            Ok(summary) => println!("{file}: {summary}"),
            Err(e) => {
                eprintln!("{e}");
                code = std::process::ExitCode::FAILURE;
            }
        }
    }
    code
}
