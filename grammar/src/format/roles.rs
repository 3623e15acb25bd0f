//! What the tree says about the tokens: how each is spelled, and the roles that decide the
//! spacing around a unary `-`, a type's `< >`, a parameter's `:`, a call's `(` and a tuple's
//! `,`.

use crate::ast::{
    Arg, BaseRef, Body, Expr, ExprKind, Item, ItemKind, MemberKind, SourceFile, Span, TypeExpr,
};
use crate::lexer::Token;

use super::{Formatter, Role, comment_text};

impl Formatter<'_> {
    // Spelling and roles.

    /// Writes each token's text: the source, but a quantity as its number, one space and its unit
    /// without spaces. A block comment inside a quantity stays where it was, one space on each
    /// side (`50 /* c */ s`), since it lies between the same two words of the source.
    pub(super) fn spell_tokens(&mut self) {
        let mut texts = Vec::with_capacity(self.tokens.len());
        for token in &self.tokens {
            let text = match &token.token {
                Token::Quantity(quantity) => {
                    let number_end = token.start + quantity.value.text.len();
                    let unit = self.compact(Span::new(number_end, token.end));
                    format!("{} {}", quantity.value.text, unit)
                }
                _ => self.source.get(token.start..token.end).unwrap_or("").to_owned(),
            };
            texts.push(text);
        }
        for (token, text) in self.tokens.iter_mut().zip(texts) {
            token.text = text;
        }
    }

    /// The source in `span` without whitespace, but with one space on each side of a comment
    /// (none at the ends).
    fn compact(&self, span: Span) -> String {
        let mut out = String::new();
        let mut at = span.start as usize;
        let end = (span.end as usize).min(self.source.len());
        let mut next_comment = self.comment_at(at);
        let mut space = false;
        while at < end {
            if let Some(comment) = self.comments.get(next_comment)
                && comment.span.start as usize == at
            {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&comment_text(self.source, comment));
                space = true;
                at = comment.span.end as usize;
                next_comment += 1;
                continue;
            }
            let Some(character) = self.source.get(at..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            if !character.is_whitespace() {
                if std::mem::take(&mut space) {
                    out.push(' ');
                }
                out.push(character);
            }
            at += character.len_utf8();
        }
        out
    }

    fn set_role(&mut self, index: usize, role: Role) {
        if let Some(slot) = self.roles.get_mut(index) {
            *slot = role;
        }
    }

    /// Marks the tokens whose spacing depends on the tree.
    pub(super) fn assign_roles(&mut self, file: &SourceFile) {
        for item in &file.items {
            self.item_roles(item);
        }
    }

    fn item_roles(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Decl(decl) => {
                if let Some(base) = &decl.base {
                    self.base_roles(base);
                }
                if let Some(body) = &decl.body {
                    self.body_roles(body);
                }
            }
            ItemKind::Template(template) => {
                let paren = self.at(template.name.span.end);
                self.set_role(paren, Role::CallParen);
                for param in &template.params {
                    let colon = self.at(param.name.span.end);
                    self.set_role(colon, Role::ParamColon);
                    self.type_roles(&param.ty);
                    if let Some(default) = &param.default {
                        self.expr_roles(default);
                    }
                }
                self.base_roles(&template.base);
                if let Some(body) = &template.body {
                    self.body_roles(body);
                }
            }
            ItemKind::Import(_) | ItemKind::Flow(_) | ItemKind::Error => {}
        }
    }

    fn base_roles(&mut self, base: &BaseRef) {
        if let Some(args) = &base.args {
            let paren = self.at(base.name.span.end);
            self.set_role(paren, Role::CallParen);
            self.args_roles(args);
        }
    }

    fn args_roles(&mut self, args: &[Arg]) {
        for arg in args {
            self.expr_roles(&arg.value);
        }
    }

    fn body_roles(&mut self, body: &Body) {
        for member in &body.members {
            match &member.kind {
                MemberKind::Field { value: expr, .. }
                | MemberKind::Vary { domain: expr, .. }
                | MemberKind::Bind { source: expr, .. }
                | MemberKind::Objective { target: expr, .. }
                | MemberKind::Constraint { condition: expr } => self.expr_roles(expr),
                MemberKind::Record { body, .. } | MemberKind::Nested { body: Some(body), .. } => {
                    self.body_roles(body);
                }
                MemberKind::Nested { body: None, .. } | MemberKind::Error => {}
            }
        }
    }

    fn type_roles(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named { name, args, span } => {
                let open = self.at(name.span.end);
                let range = self.range(*span);
                if range.contains(&open)
                    && matches!(self.tokens.get(open).map(|token| &token.token), Some(Token::Less))
                {
                    self.set_role(open, Role::TypeAngle);
                    if let Some(close) = range.end.checked_sub(1) {
                        self.set_role(close, Role::TypeAngle);
                    }
                }
                for arg in args {
                    self.type_roles(arg);
                }
            }
            TypeExpr::Tuple { elements, .. } => {
                for element in elements {
                    self.type_roles(element);
                }
            }
            TypeExpr::List { element, .. } => self.type_roles(element),
            TypeExpr::Error { .. } => {}
        }
    }

    fn expr_roles(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Unary { operand, .. } => {
                let minus = self.at(expr.span.start);
                self.set_role(minus, Role::UnaryMinus);
                self.expr_roles(operand);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr_roles(lhs);
                self.expr_roles(rhs);
            }
            ExprKind::Call { callee, args } => {
                let paren = self.at(callee.span.end);
                self.set_role(paren, Role::CallParen);
                self.args_roles(args);
            }
            ExprKind::Tuple(elements) => {
                let open = self.at(expr.span.start);
                self.set_role(open, Role::ListOpen);
                if elements.len() == 1 {
                    let range = self.range(expr.span);
                    if let Some(comma) = range.end.checked_sub(2)
                        && matches!(
                            self.tokens.get(comma).map(|token| &token.token),
                            Some(Token::Comma)
                        )
                    {
                        self.set_role(comma, Role::KeepComma);
                    }
                }
                for element in elements {
                    self.expr_roles(element);
                }
            }
            ExprKind::List(elements) => {
                let open = self.at(expr.span.start);
                self.set_role(open, Role::ListOpen);
                for element in elements {
                    self.expr_roles(element);
                }
            }
            ExprKind::Range { start, end, .. } => {
                self.expr_roles(start);
                self.expr_roles(end);
            }
            ExprKind::Of { value, .. } => self.expr_roles(value),
            ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::String(_)
            | ExprKind::Bool(_)
            | ExprKind::Path(_)
            | ExprKind::Error => {}
        }
    }

    // Spacing inside a run of tokens.

    pub(super) fn token(&self, index: usize) -> Option<&Token> {
        self.tokens.get(index).map(|token| &token.token)
    }

    pub(super) fn role(&self, index: usize) -> Role {
        self.roles.get(index).copied().unwrap_or(Role::Plain)
    }

    /// Whether one space separates tokens `left` and `right` written on one line.
    pub(super) fn space_between(&self, left: usize, right: usize) -> bool {
        let (Some(a), Some(b)) = (self.token(left), self.token(right)) else { return true };
        if matches!(
            b,
            Token::Comma
                | Token::Semicolon
                | Token::RightParen
                | Token::RightBracket
                | Token::Dot
                | Token::DotDot
                | Token::DotDotEquals
        ) {
            return false;
        }
        if matches!(
            a,
            Token::LeftParen
                | Token::LeftBracket
                | Token::Dot
                | Token::DotDot
                | Token::DotDotEquals
        ) {
            return false;
        }
        if self.role(left) == Role::UnaryMinus
            || (self.role(left) == Role::TypeAngle && *a == Token::Less)
        {
            return false;
        }
        !matches!(self.role(right), Role::CallParen | Role::TypeAngle | Role::ParamColon)
    }

    /// Whether token `index` is a trailing comma that a one-line layout drops.
    pub(super) fn droppable_comma(&self, index: usize) -> bool {
        self.token(index) == Some(&Token::Comma)
            && self.role(index) != Role::KeepComma
            && (matches!(self.token(index + 1), Some(Token::RightParen | Token::RightBracket))
                || (self.token(index + 1) == Some(&Token::Greater)
                    && self.role(index + 1) == Role::TypeAngle))
    }
}
