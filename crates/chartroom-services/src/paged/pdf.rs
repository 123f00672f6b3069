//! Draws laid-out pages as a PDF (pdf-writer; services/ only): Letter pages in the
//! standard Courier font (nothing to embed), each footed with a line naming the
//! document (the patient's name and MRN) and "Page n of m". Text streams are left
//! uncompressed: the files are small and tests can read them back.

use super::ascii;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const WIDTH: f32 = 612.0;
const HEIGHT: f32 = 792.0;
const MARGIN: f32 = 54.0;
const FONT_SIZE: f32 = 10.0;
const LEADING: f32 = 12.0;
const FONT: Name<'static> = Name(b"F1");

/// The PDF of `pages` (lines of printable ASCII), each footed with `footer` and its
/// page number. Its page count is `pages.len()`.
pub(crate) fn render(pages: &[Vec<String>], footer: &str, title: &str) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let info = Ref::new(4);
    let first_page = 5;
    let page_ref = |n: usize, k: i32| Ref::new(first_page + 2 * n as i32 + k);
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(pdf_writer::TextStr(title))
        .producer(pdf_writer::TextStr("chartroom"));
    pdf.pages(tree)
        .kids((0..pages.len()).map(|n| page_ref(n, 0)))
        .count(pages.len() as i32);
    pdf.type1_font(font).base_font(Name(b"Courier"));
    let total = pages.len();
    for (n, lines) in pages.iter().enumerate() {
        let mut page = pdf.page(page_ref(n, 0));
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(page_ref(n, 1));
        page.resources().fonts().pair(FONT, font);
        page.finish();
        let mut content = Content::new();
        let mut y = HEIGHT - MARGIN;
        for line in lines {
            text_at(&mut content, MARGIN, y, line);
            y -= LEADING;
        }
        let foot = ascii(&format!("{footer} | Page {} of {total}", n + 1));
        text_at(&mut content, MARGIN, MARGIN / 2.0, &foot);
        pdf.stream(page_ref(n, 1), &content.finish());
    }
    pdf.finish()
}

fn text_at(content: &mut Content, x: f32, y: f32, text: &str) {
    content.begin_text();
    content.set_font(FONT, FONT_SIZE);
    content.next_line(x, y);
    content.show(Str(text.as_bytes()));
    content.end_text();
}

/// The number of pages a PDF written by [`render`] declares (`/Count` of its page
/// tree); tests read packets and letters back with it.
#[cfg(test)]
pub(crate) fn page_count(bytes: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(bytes);
    let at = text.find("/Count ")?;
    text[at + 7..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_is_footed_and_counted() {
        let pages = vec![vec!["hello".to_string()], vec!["world (x)".to_string()]];
        let bytes = render(&pages, "Doe, Jane | MRN 00-00-00-01", "packet");
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(page_count(&bytes), Some(2));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Page 1 of 2") && text.contains("Page 2 of 2"));
        let pages_declared =
            text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert_eq!(pages_declared, 2);
    }
}
