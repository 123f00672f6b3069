//! The `chartroom` binary: everything lives in the library; see `chartroom::cli`.
//! (cli/ is wired in once the generator and UI modules land.)

fn main() -> std::process::ExitCode {
    eprintln!("chartroom: under construction");
    std::process::ExitCode::FAILURE
}
