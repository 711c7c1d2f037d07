//! Article extraction from single pages: one class of failure per page, and the real scraped
//! page of the product brief.

mod classes;
mod reference_items;
mod seed_article;
