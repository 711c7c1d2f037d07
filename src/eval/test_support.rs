//! Annotations and reports built by hand, for the evaluations' unit tests.

use crate::report::{Annotation, Report};

pub fn annotation(id: &str, template: &[(u32, u32)]) -> Annotation {
    Annotation {
        id: id.to_string(),
        path: id.to_string(),
        line: None,
        site: id.split_once('/').map(|(s, _)| s.to_string()),
        cluster: None,
        duplicate_of: None,
        lossy_utf8: false,
        spans: template
            .iter()
            .map(|&(start_line, end_line)| crate::report::Span {
                kind: crate::report::SpanKind::Template,
                start_line,
                end_line,
                start_byte: 0,
                end_byte: 0,
                reason: None,
            })
            .collect(),
    }
}

pub fn report(template_blocks: &[(&str, &str)]) -> Report {
    Report {
        version: crate::report::SCHEMA_VERSION,
        summary: Default::default(),
        timing: None,
        skipped: Vec::new(),
        duplicate_clusters: Vec::new(),
        template_blocks: template_blocks
            .iter()
            .map(|(site, text)| crate::report::TemplateBlock {
                text: text.to_string(),
                words: 1,
                sites: [(site.to_string(), 1)].into_iter().collect(),
                documents: 3,
                occurrences: 3,
                position: crate::report::Position::Header,
                examples: Vec::new(),
            })
            .collect(),
        repeated_blocks: Vec::new(),
    }
}

/// A cluster of `members` (the first the representative), for a report built by hand.
pub fn cluster(id: u64, members: &[&str]) -> crate::report::Cluster {
    crate::report::Cluster {
        id,
        representative: members[0].to_string(),
        exact: false,
        chained: false,
        documents: members
            .iter()
            .map(|id| crate::report::ClusterMember {
                id: id.to_string(),
                duplicate_of: None,
                similarity: 1.0,
                containment: 1.0,
            })
            .collect(),
    }
}
