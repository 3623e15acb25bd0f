//! `fab graph`: the process graph as Graphviz DOT or JSON.

use fab_compiler::{Database, compile, load_model, render};
use std::process::ExitCode;

pub fn run(path: &str, json: bool) -> ExitCode {
    let mut db = Database::default();
    let root = match load_model(&mut db, path) {
        Ok(root) => root,
        Err(reason) => {
            errln!("error: cannot read `{path}`: {reason}");
            return ExitCode::from(2);
        }
    };
    let compilation = compile(&db, root);
    let Some(model) = compilation.model else {
        err!("{}", render::render_human(&db, &compilation.diagnostics, crate::use_color()));
        errln!("error: `{path}` has errors; fix them to see its graph");
        return ExitCode::from(1);
    };
    if json {
        let nodes: Vec<serde_json::Value> = model
            .component_ids()
            .map(|id| {
                let component = model.component(id);
                serde_json::json!({
                    "id": id.0, "name": component.name, "kind": component.kind.keyword(),
                    "routing": component.routing,
                })
            })
            .collect();
        let mut edges = Vec::new();
        for id in model.component_ids() {
            for target in model.successors(id) {
                edges.push(serde_json::json!({ "from": id.0, "to": target.0 }));
            }
        }
        // A route by product names products by their index in this list.
        let products: Vec<serde_json::Value> = (model.products.iter().enumerate())
            .map(|(id, product)| serde_json::json!({ "id": id, "name": product.name }))
            .collect();
        let document = serde_json::json!({ "nodes": nodes, "edges": edges, "products": products });
        outln!("{}", serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        out!("{}", model.to_dot());
    }
    ExitCode::SUCCESS
}
