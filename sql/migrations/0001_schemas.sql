-- One schema per layer of the data flow (see README "Data flow").
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists marts;
create schema if not exists candidate;
create schema if not exists published;
create schema if not exists meta;
