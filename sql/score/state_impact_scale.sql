-- E(night) as a double: a pair's decayed reactions on the night are its reactions_s / E(night).
select cast(score_weight(cast($logical_date as date), cast($epoch as date), $half_life) as double) as e
