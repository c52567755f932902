-- Replace an erased account's id or handle inside free text (raw payloads, quarantined lines, post text,
-- file paths, run messages) by its pseudonym. Applied twice: adjacent matches share a separator.
update {table}
set {column} = regexp_replace(regexp_replace({column}, $pattern, $replacement, 'g'), $pattern, $replacement, 'g')
where regexp_matches({column}, $pattern)
